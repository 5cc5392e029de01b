"""The official holiday calendar: which days are working days (法定节假日与调休).

chinese-calendar knows each year once a release carries the State Council's arrangement,
published around each December; until then an administrator enters the year here, and a
working-day date in a year known to neither is an estimate (估算), said wherever it is shown.
"""
