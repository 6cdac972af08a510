"""The preview server: incremental rebuilds of what an edit touches, served with live reload."""
