"""A small read-eval loop for `newsflow sql`: statements end with `;`, Ctrl-D leaves."""

from __future__ import annotations

from collections.abc import Callable

PROMPT = "newsflow> "
CONTINUE = "     ...> "
QUIT = {".quit", ".exit", "exit", "quit", r"\q"}


def split_statements(buffer: str) -> tuple[list[str], str]:
    """Complete `;`-terminated statements in `buffer`, and the unfinished rest.

    Semicolons inside quotes ('…', "…") and `--` comments do not end a statement."""
    statements: list[str] = []
    start, quote, comment = 0, "", False
    for n, char in enumerate(buffer):
        if comment:
            comment = char != "\n"
        elif quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "-" and buffer[n + 1 : n + 2] == "-":
            comment = True
        elif char == ";":
            statement = buffer[start:n].strip()
            if statement:
                statements.append(statement)
            start = n + 1
    return statements, buffer[start:]


def run_shell(read: Callable[[str], str], execute: Callable[[str], None]) -> int:
    """Read lines with `read(prompt)` until EOF or `.quit`; run each complete statement.

    Returns the number of statements run. `execute` reports its own errors."""
    buffer, count = "", 0
    while True:
        try:
            line = read(CONTINUE if buffer.strip() else PROMPT)
        except (EOFError, KeyboardInterrupt):
            return count
        if not buffer.strip() and line.strip().rstrip(";") in QUIT:
            return count
        statements, buffer = split_statements(buffer + line + "\n")
        for statement in statements:
            execute(statement)
            count += 1
