//! modelreg on PostgreSQL: implemented by the PostgreSQL backend issue.
