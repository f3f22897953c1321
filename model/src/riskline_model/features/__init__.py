"""The feature spec: fitted at training, saved in the artifact, applied unchanged at serving."""
