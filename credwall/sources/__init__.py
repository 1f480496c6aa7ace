"""Sources of text: files and directories, the staged change, git history."""
