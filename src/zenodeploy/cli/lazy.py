"""A Click group that imports a command's module only when that command runs.

Start-up time is import time: ``zenodeploy validate`` should not load the HTTP client, the
emulator or the import machinery. The group knows each command's module and short help from a
table, so ``--help`` lists every command without importing any of them; importing a module
registers its commands (``@cli.command()``) as before."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, MutableMapping
from gettext import gettext as _

import click


class LazyGroup(click.Group):
    """``lazy`` maps each command name to ``(module, short help)``; the short help is the first
    sentence of the command's docstring (a test keeps the two equal)."""

    def __init__(
        self,
        *args: object,
        lazy: Mapping[str, tuple[str, str]],
        shared: Callable[[], click.Parameter] | None = None,
        **kwargs: object,
    ) -> None:
        self.lazy = dict(lazy)
        self.shared = shared  # a parameter every command also takes (e.g. -v after the command)
        self._registered: dict[str, click.Command] = {}
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def commands(self) -> MutableMapping[str, click.Command]:
        """Every command of the group, importing the modules not imported yet."""
        for name in self.lazy:
            self._load(name)
        return self._registered

    @commands.setter
    def commands(self, value: MutableMapping[str, click.Command]) -> None:
        self._registered = dict(value)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        name = name or cmd.name
        if name is None:
            raise TypeError("Command has no name.")
        self._registered[name] = cmd

    def _share(self, cmd: click.Command) -> None:
        """Give ``cmd``, and the commands of a group (registered by now), the shared parameter."""
        if self.shared is None:
            return
        param = self.shared()
        if not any(p.name == param.name for p in cmd.params):
            cmd.params.append(param)
        for sub in cmd.commands.values() if isinstance(cmd, click.Group) else ():
            self._share(sub)

    def _load(self, name: str) -> click.Command | None:
        if name not in self._registered and name in self.lazy:
            importlib.import_module(self.lazy[name][0])
        cmd = self._registered.get(name)
        if cmd is not None:
            self._share(cmd)
        return cmd

    def get_command(self, ctx: click.Context | None, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name)

    def list_commands(self, ctx: click.Context | None) -> list[str]:
        return sorted({*self.lazy, *self._registered})

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands and their short help, as ``click.Group`` writes them, from the table for
        the commands not imported."""
        shown = [
            (name, self._registered.get(name) or click.Command(name, help=self.lazy[name][1]))
            for name in self.list_commands(ctx)
        ]
        shown = [(name, cmd) for name, cmd in shown if not cmd.hidden]
        if not shown:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in shown)
        with formatter.section(_("Commands")):
            formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in shown])
