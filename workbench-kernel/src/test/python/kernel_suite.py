"""jupyter_kernel_test's protocol suite against the workbench kernel (kernel name from WORKBENCH_TEST_KERNEL)."""
import os
import unittest

import jupyter_kernel_test as jkt


class WorkbenchKernelTests(jkt.KernelTests):
    kernel_name = os.environ.get("WORKBENCH_TEST_KERNEL", "workbench-java")
    language_name = "java"
    file_extension = ".jshell"

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("oops");'
    completion_samples = [{"text": "Syste", "matches": {"System"}}]
    complete_code_samples = ["1 + 1", "int a = 3;", "for (int i = 0; i < 2; i++) { a++; }", "%%time\nint b = 1;"]
    incomplete_code_samples = ["for (int i = 0; i < 2; i++) {", "int c = (1 +", "class K {"]
    invalid_code_samples = [")))"]
    code_generate_error = 'throw new IllegalStateException("planned failure");'
    code_execute_result = [{"code": "6 * 7", "result": "42"}, {"code": '"a" + "b"', "result": "ab"},
                           {"code": "Math.max(3, 9)", "result": "9"}]
    code_display_data = [{"code": 'display(html("<b>bold</b>"));', "mime": "text/html"},
                         {"code": 'display("plain");', "mime": "text/plain"}]
    code_history_pattern = "6 * *"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "Math.abs"


if __name__ == "__main__":
    unittest.main(verbosity=2)
