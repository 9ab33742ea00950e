package org.trainingdynamics.kernel;

import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.ShellChannel;
import org.dflib.jjava.jupyter.channels.ShellHandler;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.messages.HMACGenerator;
import org.dflib.jjava.jupyter.messages.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZMQ;

/**
 * A shell (or control) socket whose loop blocks in {@code poll} until a request arrives, instead of
 * jjava-jupyter 1.0-a6's loop that sleeps 50 ms after every turn (which puts up to 50 ms on every
 * request's round trip).
 */
final class PollingShellChannel extends ShellChannel {
    private static final Logger LOG = LoggerFactory.getLogger(PollingShellChannel.class);
    private static final long POLL_MS = 200;

    private final boolean control;
    private final JupyterConnection connection;
    private volatile boolean running;
    private Thread loop;

    PollingShellChannel(ZMQ.Context ctx, HMACGenerator hmac, boolean control, JupyterConnection connection) {
        super(ctx, hmac, control, connection);
        this.control = control;
        this.connection = connection;
    }

    @Override
    public void bind(KernelConnectionProperties props) {
        if (loop != null) {
            throw new IllegalStateException("channel already bound");
        }
        int port = control ? props.getControlPort() : props.getShellPort();
        super.bind(formatAddress(props.getTransport(), props.getIp(), port));
        ZMQ.Poller poller = ctx.poller(1);
        poller.register(this, ZMQ.Poller.POLLIN);
        running = true;
        loop = new Thread(() -> serve(poller), control ? "kernel-control" : "kernel-shell");
        loop.setDaemon(false);
        loop.start();
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private void serve(ZMQ.Poller poller) {
        while (running) {
            int ready;
            try {
                ready = poller.poll(POLL_MS);
            } catch (RuntimeException e) {
                if (!running) {
                    break;
                }
                LOG.warn("poll failed: {}", e.toString());
                continue;
            }
            if (ready <= 0) {
                continue;
            }
            Message<?> msg;
            try {
                msg = readMessage();
            } catch (RuntimeException e) {
                if (!running) {
                    break;
                }
                LOG.warn("unreadable message: {}", e.toString());
                continue;
            }
            ShellHandler handler = connection.getHandler(msg.getHeader().getType());
            if (handler == null) {
                LOG.debug("no handler for {}", msg.getHeader().getType().getName());
                continue;
            }
            ShellReplyEnvironment env = connection.prepareReplyEnv(this, msg);
            try {
                handler.handle(env, msg);
            } catch (RuntimeException e) {
                LOG.warn("handler for {} failed: {}", msg.getHeader().getType().getName(), e.toString());
            } finally {
                env.resolveDeferrals();
            }
            if (env.isMarkedForShutdown()) {
                running = false;
                new Thread(connection::close, "kernel-close").start();
            }
        }
    }

    @Override
    public void close() {
        running = false;
        if (loop != null && Thread.currentThread() != loop) {
            try {
                loop.join(2 * POLL_MS + 100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        super.close();
    }

    @Override
    public void waitUntilClose() {
        Thread t = loop;
        while (t != null && t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
