"""The teacher's pages: Today and the three check pages (blueprint "checks"), gathered from
the domains (checks, family, cases, screening, watch)."""
