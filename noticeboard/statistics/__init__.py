"""Statistics: monthly figures from the benefit history, staff and public pages, the annual
summary. Sits above notices (it counts notices and objections) and below the portal,
spreadsheets and the API, which may show its figures."""
