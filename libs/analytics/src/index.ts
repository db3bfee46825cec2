// The analytics domain library; filled by its issue. Import it only as @app/analytics.
export {};
