"""The official Jupyter kernel conformance suite (jupyter_kernel_test), run against
the installed pardis kernelspec with real samples for every message type."""
import unittest

import jupyter_kernel_test as jkt


class PardisKernelTests(jkt.KernelTests):
    kernel_name = "pardis"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("oops")'

    completion_samples = [
        {"text": "Math.ma", "matches": {"max"}},
        {"text": "const parallelism = 2;\nparall", "matches": {"parallelism"}},
    ]
    complete_code_samples = ["1 + 1", "const x = 3;", "function f() { return 1; }"]
    incomplete_code_samples = ["function f() {", "const xs = [1, 2,", "if (true) {"]
    invalid_code_samples = ["const = 3;", "let 1x = 2;"]

    code_page_something = "?Math.max"

    code_generate_error = 'throw new Error("deliberate")'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "[1, 2, 3].map((x) => x * 2)", "result": "[ 2, 4, 6 ]"},
        {"code": '"text"', "result": "'text'"},
    ]

    code_display_data = [
        {"code": 'display.html("<b>bold</b>")', "mime": "text/html"},
        {"code": 'display.svg("<svg xmlns=\\"http://www.w3.org/2000/svg\\"></svg>")', "mime": "image/svg+xml"},
        {"code": "display.plotly({ data: [{ y: [1, 3, 2] }] })", "mime": "application/vnd.plotly.v1+json"},
    ]

    code_history_pattern = "6 * *"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"

    code_clear_output = "display.clear()"


class PardisIopubWelcomeTests(jkt.IopubWelcomeTests):
    kernel_name = "pardis"
    support_iopub_welcome = True


if __name__ == "__main__":
    unittest.main()
