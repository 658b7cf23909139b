"""Outside formats: CSV, JSON and iCalendar export; CSV and JSON import."""
