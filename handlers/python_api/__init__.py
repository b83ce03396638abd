"""The seed's FastAPI + Mangum API, with the same contract as the Node.js function (handlers/api)."""
