"""Demo project: the xblock-sdk workbench as the LMS, with the bridge in the same server."""
