"""A CDC plug-in that offers none of the optional capabilities: the reference CDC's program (as
refcdc_program runs it) with restart and pause turned down; like every program, it reports no
progress of its own, takes no faults and names its topics as the default says."""

from tests.framework.plugins.refcdc_program import RefcdcProgram


class BareProgram(RefcdcProgram):
    name = "bare-program"
    restarts = False
    pauses = False
