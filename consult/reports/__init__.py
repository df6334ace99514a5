"""Annual reports (bilans annuels): content, generation job, exports, pages."""
