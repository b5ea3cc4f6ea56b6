import sys

from graphstudio.cli import main

sys.exit(main())
