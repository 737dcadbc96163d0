"""The Registri tab: persons and households (KPM), their programs and history."""
