// The surveys domain library; filled by its issue. Import it only as @app/surveys.
export {};
