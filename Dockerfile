# zhaiyao (摘要) bot image: `docker build -t zhaiyao .`; see docs/deploy.md.
# Two stages: the build stage installs the package into a virtualenv, the final image copies
# only that virtualenv (no pip cache, no source tree, no build tools).

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
# pyproject.toml names README.md as the long description: the build needs it
COPY pyproject.toml README.md ./
COPY summarizer/ summarizer/
COPY reader/ reader/
COPY bot/ bot/
RUN python -m venv /opt/zhaiyao \
    && /opt/zhaiyao/bin/pip install --no-cache-dir .


FROM python:3.11-slim
LABEL org.opencontainers.image.title="zhaiyao" \
      org.opencontainers.image.description="Telegram bot: faithful extractive digests of Chinese and English news"
ENV PATH=/opt/zhaiyao/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    ZHAIYAO_HOME=/var/lib/zhaiyao
# a dedicated user with a fixed uid, so a bind-mounted data directory can be chowned to it
RUN groupadd --system --gid 10001 zhaiyao \
    && useradd --system --uid 10001 --gid zhaiyao --home-dir /var/lib/zhaiyao \
       --no-create-home --shell /usr/sbin/nologin zhaiyao \
    && install -d -o zhaiyao -g zhaiyao -m 0750 /var/lib/zhaiyao
COPY --from=build /opt/zhaiyao /opt/zhaiyao
# numeric, so Kubernetes' runAsNonRoot and a host's chown can check it
USER 10001:10001
WORKDIR /var/lib/zhaiyao
# Build jieba's dictionary cache now, as the user the bot runs as: jieba writes it to
# tempfile.gettempdir()/jieba.cache (/tmp here; jieba.dt.tmp_dir is unset) and loads it on
# every later start instead of parsing its 5 MB dictionary (about 1 s).  Digesting the
# bundled example also proves the installed package works.  Do not mount an empty tmpfs
# over /tmp, or each container rebuilds the cache at its first digest.
RUN python -m summarizer < /dev/null > /dev/null \
    && test -s /tmp/jieba.cache
# the webhook server's port (behind the TLS proxy); polling mode listens on nothing
EXPOSE 8443
# database opens (SQLite or PostgreSQL's port) and, in webhook mode, the local port answers;
# never calls the Bot API
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot", "health"]
# `docker run IMAGE` runs the bot; `docker run IMAGE backup FILE` etc. run a subcommand
ENTRYPOINT ["python", "-m", "bot"]
CMD ["run"]
