"""The one error a report refuses its input with: bad input is exit 2 with one line
(DESIGN.md, "Command line"), whatever part of the report finds it."""


class ReportError(Exception):
    """A run directory, run record or output folder the report cannot use."""
