"""Service flows: each page builds a semantic screen and handles actions; none draws, speaks or sends HTTP."""
