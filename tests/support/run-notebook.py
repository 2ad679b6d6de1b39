"""Executes one course notebook with nbclient and the pardis kernel, as a learner
running it top to bottom would, and prints a JSON summary on stdout.

Cells tagged `skip-execution` (a loop meant to be stopped by hand) are blanked
in the copy that runs; cells tagged `raises-exception` may fail (nbclient's own
convention). Usage: python run-notebook.py NOTEBOOK OUTPUT_NOTEBOOK
"""
import json
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

source, output = sys.argv[1], sys.argv[2]
nb = nbformat.read(source, as_version=4)
nbformat.validate(nb)
for cell in nb.cells:
    if "skip-execution" in cell.get("metadata", {}).get("tags", []):
        cell.source = ""
started = time.monotonic()
error = None
try:
    NotebookClient(nb, timeout=170, kernel_name="pardis", resources={"metadata": {"path": sys.argv[3] if len(sys.argv) > 3 else "."}}).execute()
except CellExecutionError as failure:
    error = str(failure)[:4000]
elapsed = time.monotonic() - started
nbformat.write(nb, output)
print(json.dumps({"seconds": elapsed, "error": error}))
