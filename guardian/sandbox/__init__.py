"""The sandbox around agent-written code: isolation detection, a zygote, one executor per task."""
