"""Background jobs: long work (batch prints; later Excel imports and re-calculations) that runs
in the job worker, outside any web request, with progress a page can show."""
