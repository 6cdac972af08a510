"""Stages 4–6, the site: plan every page and its URL, render it through the templates
(with template-facing views of the records), and write it into a staging folder."""
