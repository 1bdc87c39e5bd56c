import sys

from medialit.cli.main import main

sys.exit(main())
