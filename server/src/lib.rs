//! modelreg-server (being built).
