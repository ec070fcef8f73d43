"""The checkout's root conftest: hacert's plugins come from the installed package (the
``hacert`` pytest11 entry point; ``bin/bootstrap`` installs the checkout into .venv)."""
