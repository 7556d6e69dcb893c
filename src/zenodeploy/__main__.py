"""Allow ``python -m zenodeploy``."""

from zenodeploy.cli import main

if __name__ == "__main__":
    main()
