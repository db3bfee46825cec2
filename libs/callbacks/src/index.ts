// The callbacks domain library; filled by its issue. Import it only as @app/callbacks.
export {};
