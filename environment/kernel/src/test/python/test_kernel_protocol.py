"""Wire-protocol checks of the installed PEERkit Java kernel.

Runs Debian's jupyter_kernel_test suite (python3-jupyter-kernel-test) plus our own checks:
interrupt of a sleep and of a busy loop with recovery, one-line error values, a reply to
history_request, the %jars glob error, 200,000 printlns arriving intact in few stream messages,
System.exit refused. Use Debian's Python, not a pyenv shim:

    PEERKIT_KERNEL_NAME=java /usr/bin/python3 -m unittest -v test_kernel_protocol.py
    /usr/bin/python3 test_kernel_protocol.py          # same, summary line printed last

Ends with "kernel checks: N passed, M failed, K skipped".
"""
import json
import os
import tempfile
import time
import unittest

import jupyter_kernel_test

KERNEL_NAME = os.environ.get("PEERKIT_KERNEL_NAME", "java")
TIMEOUT = 60
_results = []          # the TestResult the runner uses (captured in run())
_summary_printed = []


class JavaKernelProtocolTests(jupyter_kernel_test.KernelTests):
    kernel_name = KERNEL_NAME
    language_name = "Java"
    file_extension = ".jshell"

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("oops");'
    completion_samples = [
        {"text": "System.out.printl", "matches": {"println("}},
        {"text": "Math.ab", "matches": {"abs(", "absExact("}},
    ]
    complete_code_samples = ["1 + 1", "int x = 1;", "void f() { }", "int a = 1;\nint b = 2;", "%jars x.jar"]
    incomplete_code_samples = ["for (int i = 0; i < 3; i++) {", "class A {", "1 +"]
    invalid_code_samples = ["int x = ;", "}"]
    code_generate_error = 'throw new IllegalStateException("boom");'
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"abc".length()', "result": "3"},
        {"code": "String nothing = null;\nnothing", "result": "null"},
        {"code": 'render("<b>x</b>", "text/html")', "mime": "text/html", "result": "<b>x</b>"},
    ]
    code_display_data = [
        {"code": 'display("<b>hi</b>", "text/html");', "mime": "text/html"},
        {"code": "display(new java.awt.image.BufferedImage(4, 4, java.awt.image.BufferedImage.TYPE_INT_RGB));",
         "mime": "image/png"},
        {"code": 'display("<svg xmlns=\\"http://www.w3.org/2000/svg\\"/>", "image/svg+xml");',
         "mime": "image/svg+xml"},
    ]
    code_inspect_sample = "Math.abs"

    def run(self, result=None):
        if result is not None and not _results:
            _results.append(result)
        return super().run(result)

    # ---- helpers -------------------------------------------------------------------------

    def execute_reply(self, code, timeout=TIMEOUT):
        """Executes code; returns (reply content, iopub messages of this request)."""
        self.flush_channels()
        msg_id = self.kc.execute(code)
        reply = self.get_non_kernel_info_reply(timeout=timeout)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        return reply["content"], self.iopub_until_idle(msg_id)

    def iopub_until_idle(self, msg_id):
        msgs = []
        deadline = time.time() + TIMEOUT
        while time.time() < deadline:
            msg = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return msgs
            msgs.append(msg)
        self.fail("no idle status for " + msg_id)

    def assert_result(self, code, expected):
        content, msgs = self.execute_reply(code)
        self.assertEqual(content["status"], "ok", content)
        results = [m["content"]["data"]["text/plain"] for m in msgs if m["msg_type"] == "execute_result"]
        self.assertEqual(results, [expected])

    def assert_one_line_error(self, code, ename, evalue_part):
        content, msgs = self.execute_reply(code)
        self.assertEqual(content["status"], "error")
        self.assertEqual(content["ename"], ename, content)
        self.assertIn(evalue_part, content["evalue"])
        self.assertNotIn("\n", content["evalue"])
        errors = [m for m in msgs if m["msg_type"] == "error"]
        self.assertEqual(len(errors), 1)
        self.assertEqual(errors[0]["content"]["ename"], ename)
        return content

    def interrupt_when_printed(self, code, marker):
        """Runs code, interrupts once it has printed marker (so it is inside its loop or sleep)."""
        self.flush_channels()
        msg_id = self.kc.execute(code)
        while True:
            msg = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream"
                    and marker in msg["content"]["text"]):
                break
        self.km.interrupt_kernel()
        reply = self.get_non_kernel_info_reply(timeout=TIMEOUT)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.iopub_until_idle(msg_id)
        return reply["content"]

    # ---- our checks ----------------------------------------------------------------------

    def test_interrupt_sleep_then_recover(self):
        content = self.interrupt_when_printed('{ System.out.println("sleeping"); Thread.sleep(600_000); }', "sleeping")
        self.assertEqual(content["status"], "error")
        self.assertEqual(content["ename"], "Interrupted")
        self.assertIn("interrupted", content["evalue"])
        self.assert_result("1 + 1", "2")

    def test_interrupt_busy_loop_then_recover(self):
        self.execute_reply("long spins = 0;")
        content = self.interrupt_when_printed('{ System.out.println("spinning"); while (true) { spins++; } }', "spinning")
        self.assertEqual(content["status"], "error")
        self.assertEqual(content["ename"], "Interrupted")
        self.assertIn("interrupted", content["evalue"])
        self.assertIn("stopped", content["evalue"])
        self.assertNotIn("ThreadDeath", content["evalue"])
        self.assert_result("spins > 0", "true")

    def test_many_printlns_arrive_intact_in_few_messages(self):
        # one IOPub message per println used to flood the socket: output and the idle status were lost
        content, msgs = self.execute_reply("for (int i = 0; i < 200_000; i++) System.out.println(i);", timeout=120)
        self.assertEqual(content["status"], "ok", content)
        streams = [m for m in msgs if m["msg_type"] == "stream" and m["content"]["name"] == "stdout"]
        text = "".join(m["content"]["text"] for m in streams)
        self.assertEqual(text, "".join("%d\n" % i for i in range(200_000)))
        self.assertLessEqual(len(streams), 200)
        self.assert_result("1 + 1", "2")

    def test_system_exit_is_refused_and_the_kernel_lives(self):
        self.execute_reply("int survivor = 7;")
        self.assert_one_line_error("System.exit(0);", "CellException", "System.exit(0) was refused")
        self.assert_result("survivor", "7")

    def test_errors_are_one_line_and_the_next_cell_runs(self):
        self.assert_one_line_error("int bad = \"x\";", "CompilationError", "line 1: incompatible types")
        self.assert_one_line_error("Object o = null;\no.toString();", "CellException",
                                   "java.lang.NullPointerException")
        self.assert_one_line_error("int q = undefinedName;", "CompilationError", "symbol: variable undefinedName")
        self.assert_one_line_error("%nosuchmagic", "MagicError", "unknown magic %nosuchmagic")
        self.assert_result('"still alive"', "still alive")

    def test_jars_glob_matching_nothing(self):
        self.assert_one_line_error("%jars no/such/dir/*.jar", "MagicError", "nothing matches 'no/such/dir/*.jar'")

    def test_load_another_notebook(self):
        # %load reads .ipynb with basekernel's gson, which the shaded jar relocates
        nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["# helpers"]},
                        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                         "source": ["int helperTwice(int x) {\n", "    return 2 * x;\n", "}"]}],
              "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "helpers.ipynb")
            with open(path, "w") as f:
                json.dump(nb, f)
            content, _ = self.execute_reply("%load " + path)
            self.assertEqual(content["status"], "ok", content)
        self.assert_result("helperTwice(21)", "42")

    def test_history_request_gets_a_reply(self):
        self.flush_channels()
        msg_id = self.kc.history(hist_access_type="tail", n=5)
        reply = self.get_non_kernel_info_reply(timeout=TIMEOUT)
        self.assertEqual(reply["msg_type"], "history_reply")
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.assertEqual(reply["content"]["history"], [])

    def test_kernel_info_says_ok(self):
        self.flush_channels()
        self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual(reply["content"]["language_info"]["mimetype"], "text/x-java-source")


def _print_summary():
    if _summary_printed or not _results:
        return
    r = _results[0]
    failed = len(r.failures) + len(r.errors) + len(getattr(r, "unexpectedSuccesses", []))
    skipped = len(r.skipped)
    passed = max(0, r.testsRun - failed - skipped)
    print("\nkernel checks: %d passed, %d failed, %d skipped" % (passed, failed, skipped), flush=True)
    _summary_printed.append(True)


def tearDownModule():
    if not _RUN_AS_SCRIPT:
        _print_summary()


_RUN_AS_SCRIPT = False

if __name__ == "__main__":
    _RUN_AS_SCRIPT = True
    program = unittest.main(verbosity=2, exit=False)
    _print_summary()
    raise SystemExit(0 if program.result.wasSuccessful() else 1)
