"""Follow-up of the scheme: action progress, indicators and measurements, annual report,
public "droit de suite" pages."""
