"""The read-eval loop of `newsflow sql` without a query."""

from newsflow.flows.shell import CONTINUE, PROMPT, run_shell, split_statements


def test_statements_end_at_semicolons_outside_quotes_and_comments():
    assert split_statements("SELECT 1; SELECT 2") == (["SELECT 1"], " SELECT 2")
    text = "SELECT ';' AS a, \"x;y\" -- not the end; really\nFROM t;"
    assert split_statements(text) == ([text[:-1]], "")
    assert split_statements("SELECT 'it''s'; ;") == (["SELECT 'it''s'"], "")


def run(lines):
    """Feed `lines` to the loop as a terminal would, then Ctrl-D."""
    pending, prompts, ran = list(lines), [], []

    def read(prompt):
        prompts.append(prompt)
        if not pending:
            raise EOFError
        return pending.pop(0)

    count = run_shell(read, ran.append)
    return count, ran, prompts


def test_the_loop_runs_each_complete_statement_and_stops_at_eof():
    count, ran, prompts = run(["SELECT 1;", "SELECT", "  2; SELECT 3;"])
    assert count == 3
    assert ran == ["SELECT 1", "SELECT\n  2", "SELECT 3"]
    assert prompts == [PROMPT, PROMPT, CONTINUE, PROMPT]


def test_quit_leaves_and_an_unfinished_statement_is_not_run():
    assert run([".quit", "SELECT 1;"])[:2] == (0, [])
    assert run(["SELECT 1;", "exit"])[:2] == (1, ["SELECT 1"])
    assert run(["SELECT 1", ".quit"])[:2] == (0, [])  # inside a statement .quit is text; EOF
