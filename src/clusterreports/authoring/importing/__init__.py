"""Import a conference programme (pretalx or frab ``schedule.json``, frab
``schedule.xml``, or a CSV with one row per session) as records that link to the
people and organisations the site already has.

One reader per format produces the neutral :class:`~.programme.Programme`; ``match``
finds the site's people and organisations; ``run`` plans and checks every record;
``records`` writes them with their provenance. This package imports the content
modules, never the reverse.
"""
