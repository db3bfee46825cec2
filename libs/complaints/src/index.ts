// The complaints domain library; filled by its issue. Import it only as @app/complaints.
export {};
