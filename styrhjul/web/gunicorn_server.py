"""gunicorn run from `styrhjul serve --workers N` with an application and
options given in Python (no configuration file, no command line of its own)."""

from gunicorn.app.base import BaseApplication


class StyrhjulServer(BaseApplication):
    def __init__(self, application, options: dict):
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application
