"""The site itself: home page, the Département's branding, legal pages, admin home."""
