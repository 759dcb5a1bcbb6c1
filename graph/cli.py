"""The ``fengong`` command line: a thin click group.

Each command lives in ``fengong/commands/<name>.py`` and is imported only when
it runs, so ``fengong build`` does not pay for matplotlib or the browser
views. Errors meant for the user (:class:`fengong.FengongError`) become one
line on stderr and exit code 2, never a traceback.

>>> from click.testing import CliRunner
>>> CliRunner().invoke(cli, ["--version"]).output.startswith("fengong")
True
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys

import click

from . import FengongError, __version__
from .terminal import printable

__all__ = ["cli", "main", "COMMANDS", "UserError"]

#: command name → "module:function" under fengong.commands, in help order.
COMMANDS = {
    "build": "build:build",
    "validate": "validate:validate",
    "inspect": "inspect:inspect_doc",
    "query": "query:query",
    "analyze": "analyze:analyze",
    "matrix": "matrix:matrix",
    "viz": "viz:viz",
    "serve": "serve:serve",
    "push": "push:push",
}


class UserError(click.ClickException):
    """A :class:`FengongError` on its way out: one line on stderr, exit code 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"fengong: error: {_one_line(self.format_message())}", err=True, file=file)


def _one_line(message: str) -> str:
    r"""*message* on one line: line breaks (from a file name, say) written as ``\n`` and ``\r``,
    other control characters (from a document's text) as ``\x1b``-style escapes.

    >>> print(_one_line("a\nb.txt: empty file \x1b[2J"))
    a\nb.txt: empty file \x1b[2J
    """
    return printable(message, one_line=True)


#: Raised by click for a bare ``fengong`` (its help is the answer): not a mistake to report.
_HELP_ASKED = getattr(click.exceptions, "NoArgsIsHelpError", ())


def _usage_error(exc: click.UsageError) -> click.UsageError:
    """A mistake on the command line as one line (click prints usage, a hint and the error on
    four), with where to read the usage.

    >>> cmd = click.Command("inspect")
    >>> _usage_error(click.UsageError("No such option: --bogus", click.Context(cmd, info_name="fengong inspect"))).message
    'No such option: --bogus (see fengong inspect --help)'
    """
    if isinstance(exc, _HELP_ASKED):
        return exc
    where = exc.ctx.command_path if exc.ctx is not None else "fengong"
    return UserError(f"{exc.format_message().rstrip('.')} (see {where} --help)")


class Interrupted(UserError):
    """Ctrl-C or SIGTERM during a command: exit 130, the shell's code for SIGINT."""

    exit_code = 130

    def show(self, file=None) -> None:
        click.echo(f"fengong: {_one_line(self.format_message())}", err=True, file=file)


class LazyGroup(click.Group):
    """A group whose commands are imported on first use; user errors exit 2 in one line."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:  # fengong's own options (fengong --bogus)
            raise _usage_error(exc) from None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:  # a command's arguments and options, an unknown command
            raise _usage_error(exc) from None
        except FengongError as exc:
            raise UserError(str(exc)) from None
        except BrokenPipeError:
            raise  # a reader that stopped early (| head): main() exits quietly
        except OSError as exc:  # a full disk or stdout, a closed stdout: one line, not a traceback
            _drop_stdout_if_broken()
            raise UserError(_os_message(exc)) from None
        except KeyboardInterrupt:
            # Held while outputs move (fengong.atomic): each is the earlier one or the new one.
            raise Interrupted("interrupted; no output was left half-written") from None

    def list_commands(self, ctx):
        return [name for name in COMMANDS if self._spec_exists(name)]

    @staticmethod
    def _spec_exists(name: str) -> bool:
        module = COMMANDS[name].split(":")[0]
        return importlib.util.find_spec(f"fengong.commands.{module}") is not None

    def get_command(self, ctx, name):
        if name not in COMMANDS or not self._spec_exists(name):
            return None
        module, func = COMMANDS[name].split(":")
        return getattr(importlib.import_module(f"fengong.commands.{module}"), func)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="fengong")
def cli():
    """fengong (分工): task-allocation plans as a knowledge graph of who is responsible for what.

    Build the graph of a plan, query it with SPARQL, find overloaded agencies and
    coordination bottlenecks, draw collaboration matrices and browse it offline.
    With no document, commands work on the bundled Guangxi plan (桂政办发〔2014〕94号).
    """


def _os_message(exc: OSError) -> str:
    """One line for an :class:`OSError` that no command turned into a message of its own.

    >>> import errno
    >>> _os_message(OSError(errno.ENOSPC, "No space left on device"))
    'cannot write (No space left on device)'
    >>> _os_message(FileNotFoundError(errno.ENOENT, "No such file or directory", "x.ttl"))
    'x.ttl: No such file or directory'
    """
    import errno

    reason = exc.strerror or str(exc) or type(exc).__name__
    if exc.filename:
        return f"{exc.filename}: {reason}"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS):
        return f"cannot write ({reason})"
    return reason


def _drop_stdout_if_broken() -> None:
    """Point stdout at /dev/null when what is left in its buffer cannot be written (a full
    disk, /dev/full): else Python reports the same error again, with a traceback, at exit."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError, AttributeError):
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass


class _ClosedStream:
    """Stands for stdout when the shell closed it (``>&-``): writing fails as on any
    descriptor that is not open."""

    def write(self, text: str) -> int:
        import errno

        raise OSError(errno.EBADF, "closed by the shell (>&-), nothing can be written", "stdout")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script: user errors exit 2 with one line, Ctrl-C exits 130."""
    if sys.stdout is None:  # started with stdout closed
        sys.stdout = _ClosedStream()
    try:
        cli.main(args=argv, prog_name="fengong")
    except KeyboardInterrupt:  # click turns it into Abort inside commands; this is before/after
        click.echo("fengong: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
