"""The files beside the pages: search index, calendars, feeds, open data, sitemap;
each escapes its own format (``escape``)."""
