package org.trainingdynamics.kernel;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.messages.HMACGenerator;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.publish.PublishStatus;
import org.zeromq.ZMQ;

/**
 * A {@link JupyterConnection} whose shell and control sockets are {@link PollingShellChannel}s; heartbeat,
 * stdin and iopub are the base library's.
 */
final class PollingConnection extends JupyterConnection {
    private final KernelConnectionProperties props;
    private final ZMQ.Context zmq;
    private final PollingShellChannel fastShell;
    private final PollingShellChannel fastControl;
    private boolean connected;

    PollingConnection(KernelConnectionProperties props) throws NoSuchAlgorithmException, InvalidKeyException {
        super(props);
        this.props = props;
        this.zmq = ZMQ.context(1);
        HMACGenerator hmac = props.createHMACGenerator();
        this.fastShell = new PollingShellChannel(zmq, hmac, false, this);
        this.fastControl = new PollingShellChannel(zmq, hmac, true, this);
    }

    @Override
    public synchronized void connect() {
        if (connected) {
            return;
        }
        heartbeat.bind(props);
        iopub.bind(props);
        stdin.bind(props);
        fastControl.bind(props);
        fastShell.bind(props);
        getIOPub().sendMessage(new Message<>(null, PublishStatus.MESSAGE_TYPE, PublishStatus.STARTING));
        connected = true;
    }

    @Override
    public void close() {
        fastShell.close();
        fastControl.close();
        super.close();
        zmq.close();
    }

    @Override
    public void waitUntilClose() {
        fastShell.waitUntilClose();
        fastControl.waitUntilClose();
        super.waitUntilClose();
    }
}
