#!/bin/sh
# The TUI end-to-end test once more with --ascii: the same checks, and no
# UTF-8 box drawing or arrows (no byte outside ASCII) on any screen.
TUI_BASIC_ASCII=1 exec sh "$(dirname "$0")/tui_basic.sh"
