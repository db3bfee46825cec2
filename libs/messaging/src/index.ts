// The messaging domain library; filled by its issue. Import it only as @app/messaging.
export {};
