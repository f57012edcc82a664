"""`python -m simulators`: what `interview-warehouse simulate` runs, as a separate program, so
that the pipeline reaches the simulators only over HTTP and never imports them."""

from simulators.server import main

if __name__ == "__main__":
    main()
