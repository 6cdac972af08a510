"""Tools for editors beside the build: new records from the models, the content
format's reference, and programmes imported from schedules."""
