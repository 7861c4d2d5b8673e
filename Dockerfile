# The natter relay in a container: one binary, run as an unprivileged user,
# its data directory (registry, secret key, one SQLite file per tenant) on the
# /data volume. The web assets in dist/ are committed and embedded at compile
# time, so the build needs no wasm toolchain.
#
#   docker build -t natter .
#   docker run -d --name natter -p 8080:8080 -v natter-data:/data natter
#
# With podman, add `--format docker` to the build: OCI images drop HEALTHCHECK.

# The relay's minimum supported Rust (rust-version in Cargo.toml).
ARG RUST_VERSION=1.89

FROM docker.io/library/rust:${RUST_VERSION}-slim-bookworm AS builder
WORKDIR /src
COPY . .
# The crates and the target directory are cache mounts: a rebuild after a
# source change recompiles natter, not its dependencies.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p natter-relay --bin natter \
    && install -D -m 0755 target/release/natter /out/natter

# Same Debian release as the builder, so the binary finds the glibc it was
# linked against. Nothing else is needed at run time: TLS roots (for the
# install check's page fetch) and time zones are compiled into the binary.
FROM docker.io/library/debian:bookworm-slim
RUN groupadd --system --gid 10001 natter \
    && useradd --system --uid 10001 --gid natter --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin natter \
    && install -d -o natter -g natter -m 0700 /data
COPY --from=builder /out/natter /usr/local/bin/natter
USER natter:natter
# Reachable from outside the container; set NATTER_PUBLIC_ORIGINS to the
# public origin (e.g. https://chat.example.com) behind a reverse proxy.
ENV NATTER_LISTEN=0.0.0.0:8080
VOLUME ["/data"]
EXPOSE 8080
# No curl in the image: bash's /dev/tcp asks /healthz on the port of
# NATTER_LISTEN. (A `natter health` subcommand would make this portable.)
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["/bin/bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${NATTER_LISTEN##*:} && printf 'GET /healthz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && read -r status <&3 && [[ $status == *' 200 '* ]]"]
# natter closes its sockets, commits and exits 0 on SIGTERM.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/natter", "--data-dir", "/data"]
CMD ["serve"]
