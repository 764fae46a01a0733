/*
 * udp_recv: batched UDP receive for the `udp` input (Node-API, so one build serves every Node
 * release with Node-API 8 or later).
 *
 * Node's dgram reads one datagram per recvmsg() and calls JavaScript once per datagram. This
 * module reads up to `slots` datagrams per recvmmsg() and calls JavaScript once per batch, with
 * the payloads packed into one Buffer, their lengths and flags in a caller-owned Uint32Array
 * and the distinct peer addresses of the batch as strings. dropped() reads how many datagrams the
 * kernel has dropped on the socket (receive buffer full, SO_MEMINFO), so that loss is counted.
 *
 * Owns: one socket fd (made here or adopted from the caller, e.g. from systemd) and a uv_poll
 * handle on it. Invariants: JavaScript is called only from the poll callback on the loop thread;
 * after close() no callback runs and the fd is closed (also when close() is called from inside
 * the callback). Fails: errors at open are thrown as JS errors with errno text; receive errors
 * other than EAGAIN/EINTR are passed to the callback as a negative count (-errno).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sock_diag.h>
#include <sys/socket.h>
#include <unistd.h>

#include <node_api.h>
#include <uv.h>

#define META_WORDS 3 /* per datagram: length, flags, peer index */
#define FLAG_TRUNCATED 1u
#define MAX_ROUNDS 8 /* recvmmsg calls per readiness event before the loop runs again */
/* Interrupt moderation: a wake-up that found at least BUSY_DATAGRAMS waiting stops watching the
 * socket for PAUSE_MS, so that under load each wake-up reads hundreds of datagrams instead of a
 * few (fewer wake-ups, system calls and JS calls per datagram); a quiet socket is read at once. */
#define BUSY_DATAGRAMS 16
#define PAUSE_MS 1

typedef struct {
  uv_poll_t poll;
  uv_timer_t pause;
  napi_env env;
  napi_ref callback;
  napi_ref meta_ref;
  napi_async_context async;
  uint32_t *meta;
  int fd;
  unsigned slots;
  size_t slot_bytes;
  char *slab;
  struct mmsghdr *msgs;
  struct iovec *iov;
  struct sockaddr_storage *addrs;
  int in_callback;
  int closing;
  int open_handles;  /* poll and pause: libuv may touch the struct until both are closed */
  int handle_closed; /* both uv_close callbacks done */
  int external_gone; /* the JS handle was collected: nobody can call close() again */
} receiver;

/* Thrown as Node throws system errors: message "bind EADDRINUSE (Address already in use)",
 * code "EADDRINUSE". */
static napi_value throw_errno(napi_env env, const char *what, int err) {
  char text[256];
  const char *code = strerrorname_np(err);
  snprintf(text, sizeof text, "%s %s (%s)", what, code ? code : "E?", strerror(err));
  napi_throw_error(env, code, text);
  return NULL;
}

#define CHECK(env, call)                                                                       \
  do {                                                                                        \
    if ((call) != napi_ok) {                                                                  \
      const napi_extended_error_info *info_ = NULL;                                           \
      napi_get_last_error_info((env), &info_);                                                \
      bool pending_ = false;                                                                  \
      napi_is_exception_pending((env), &pending_);                                            \
      if (!pending_)                                                                          \
        napi_throw_error((env), NULL, info_ && info_->error_message ? info_->error_message    \
                                                                     : "Node-API call failed"); \
      return NULL;                                                                            \
    }                                                                                         \
  } while (0)

static int get_string(napi_env env, napi_value v, char *buf, size_t size) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, buf, size, &len) != napi_ok) return -1;
  return len + 1 < size ? 0 : -1;
}

/* bind(address: string, port: number) -> [fd, port]: a non-blocking, close-on-exec socket. */
static napi_value js_bind(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char address[INET6_ADDRSTRLEN + 16];
  uint32_t port = 0;
  if (argc < 2 || get_string(env, argv[0], address, sizeof address) != 0 ||
      napi_get_value_uint32(env, argv[1], &port) != napi_ok || port > 65535) {
    napi_throw_type_error(env, NULL, "bind(address, port): an IP address and a port");
    return NULL;
  }
  struct sockaddr_storage ss;
  socklen_t sslen;
  memset(&ss, 0, sizeof ss);
  struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
  if (inet_pton(AF_INET, address, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    sslen = sizeof *a4;
  } else if (inet_pton(AF_INET6, address, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)port);
    sslen = sizeof *a6;
  } else {
    napi_throw_type_error(env, NULL, "bind: not an IPv4 or IPv6 address");
    return NULL;
  }
  int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket", errno);
  if (bind(fd, (struct sockaddr *)&ss, sslen) != 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, "bind", err);
  }
  sslen = sizeof ss;
  getsockname(fd, (struct sockaddr *)&ss, &sslen);
  uint32_t bound = ntohs(ss.ss_family == AF_INET ? a4->sin_port : a6->sin6_port);
  napi_value out, v;
  CHECK(env, napi_create_array_with_length(env, 2, &out));
  CHECK(env, napi_create_int32(env, fd, &v));
  CHECK(env, napi_set_element(env, out, 0, v));
  CHECK(env, napi_create_uint32(env, bound, &v));
  CHECK(env, napi_set_element(env, out, 1, v));
  return out;
}

/* localAddress(fd) -> [address, port, family 4|6]: for an adopted socket. */
static napi_value js_local_address(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd = -1;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok) {
    napi_throw_type_error(env, NULL, "localAddress(fd)");
    return NULL;
  }
  struct sockaddr_storage ss;
  socklen_t sslen = sizeof ss;
  int type = 0;
  socklen_t tlen = sizeof type;
  if (getsockname(fd, (struct sockaddr *)&ss, &sslen) != 0) return throw_errno(env, "getsockname", errno);
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) != 0) return throw_errno(env, "getsockopt", errno);
  if ((ss.ss_family != AF_INET && ss.ss_family != AF_INET6) || type != SOCK_DGRAM) {
    napi_throw_error(env, NULL, "not a UDP socket");
    return NULL;
  }
  char text[INET6_ADDRSTRLEN];
  uint32_t port, family;
  if (ss.ss_family == AF_INET) {
    struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
    inet_ntop(AF_INET, &a4->sin_addr, text, sizeof text);
    port = ntohs(a4->sin_port);
    family = 4;
  } else {
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
    inet_ntop(AF_INET6, &a6->sin6_addr, text, sizeof text);
    port = ntohs(a6->sin6_port);
    family = 6;
  }
  int flags = fcntl(fd, F_GETFL);
  if (flags >= 0 && !(flags & O_NONBLOCK)) fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  napi_value out, v;
  CHECK(env, napi_create_array_with_length(env, 3, &out));
  CHECK(env, napi_create_string_latin1(env, text, NAPI_AUTO_LENGTH, &v));
  CHECK(env, napi_set_element(env, out, 0, v));
  CHECK(env, napi_create_uint32(env, port, &v));
  CHECK(env, napi_set_element(env, out, 1, v));
  CHECK(env, napi_create_uint32(env, family, &v));
  CHECK(env, napi_set_element(env, out, 2, v));
  return out;
}

static int rcvbuf(int fd) {
  int size = 0;
  socklen_t len = sizeof size;
  return getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, &len) == 0 ? size : -1;
}

/* receiveBuffer(fd, bytes) -> granted: SO_RCVBUFFORCE (past net.core.rmem_max, with
 * CAP_NET_ADMIN) as rsyslog does, else SO_RCVBUF; 0 bytes only reads the size. */
static napi_value js_receive_buffer(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out;
  int32_t fd = -1, bytes = 0;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2 || napi_get_value_int32(env, argv[0], &fd) != napi_ok ||
      napi_get_value_int32(env, argv[1], &bytes) != napi_ok || bytes < 0) {
    napi_throw_type_error(env, NULL, "receiveBuffer(fd, bytes)");
    return NULL;
  }
  if (bytes > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) != 0 &&
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes) != 0)
    return throw_errno(env, "setsockopt SO_RCVBUF", errno);
  int granted = rcvbuf(fd);
  if (granted < 0) return throw_errno(env, "getsockopt SO_RCVBUF", errno);
  CHECK(env, napi_create_int32(env, granted, &out));
  return out;
}

/* dropped(fd) -> the kernel's count of datagrams dropped on the socket, or -1 where the kernel
 * cannot tell (SO_MEMINFO is Linux 4.12+). */
static napi_value js_dropped(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  int32_t fd = -1;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok) {
    napi_throw_type_error(env, NULL, "dropped(fd)");
    return NULL;
  }
  uint32_t mem[SK_MEMINFO_VARS];
  socklen_t len = sizeof mem;
  double dropped = -1;
  if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len) == 0 && len > SK_MEMINFO_DROPS * sizeof mem[0])
    dropped = mem[SK_MEMINFO_DROPS];
  CHECK(env, napi_create_double(env, dropped, &out));
  return out;
}

static void free_receiver(receiver *r) {
  free(r->slab);
  free(r->msgs);
  free(r->iov);
  free(r->addrs);
  free(r);
}

/* The struct lives until libuv has closed the poll handle and JS has dropped the handle. */
static void on_closed(uv_handle_t *handle) {
  receiver *r = (receiver *)handle->data;
  if (--r->open_handles > 0) return;
  r->handle_closed = 1;
  if (r->external_gone) free_receiver(r);
}

static void on_external_gone(napi_env env, void *data, void *hint) {
  receiver *r = (receiver *)data;
  (void)env;
  (void)hint;
  r->external_gone = 1;
  if (r->handle_closed) free_receiver(r);
}

static void release(receiver *r) {
  napi_env env = r->env;
  if (r->callback) napi_delete_reference(env, r->callback);
  if (r->meta_ref) napi_delete_reference(env, r->meta_ref);
  if (r->async) napi_async_destroy(env, r->async);
  r->callback = r->meta_ref = NULL;
  r->async = NULL;
  if (r->fd >= 0) {
    uv_poll_stop(&r->poll);
    close(r->fd);
    r->fd = -1;
  }
  uv_timer_stop(&r->pause);
  uv_close((uv_handle_t *)&r->pause, on_closed);
  uv_close((uv_handle_t *)&r->poll, on_closed);
}

static int same_peer(const struct sockaddr_storage *a, const struct sockaddr_storage *b) {
  if (a->ss_family != b->ss_family) return 0;
  if (a->ss_family == AF_INET)
    return ((const struct sockaddr_in *)a)->sin_addr.s_addr == ((const struct sockaddr_in *)b)->sin_addr.s_addr;
  if (a->ss_family == AF_INET6) {
    const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a, *y = (const struct sockaddr_in6 *)b;
    return memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0 && x->sin6_scope_id == y->sin6_scope_id;
  }
  return 1;
}

/* The peer as Node's dgram names it in rinfo.address: inet_ntop, and %scope on IPv6. */
static size_t peer_text(const struct sockaddr_storage *ss, char *out, size_t size) {
  out[0] = 0;
  if (ss->ss_family == AF_INET) {
    inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, out, size);
  } else if (ss->ss_family == AF_INET6) {
    const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)ss;
    inet_ntop(AF_INET6, &a6->sin6_addr, out, size);
    if (a6->sin6_scope_id) {
      char name[IF_NAMESIZE];
      size_t n = strlen(out);
      if (if_indextoname(a6->sin6_scope_id, name)) snprintf(out + n, size - n, "%%%s", name);
      else snprintf(out + n, size - n, "%%%u", a6->sin6_scope_id);
    }
  }
  return strlen(out);
}

/* One batch to JavaScript: callback(count, data, peers); count < 0 is -errno. */
static void deliver(receiver *r, int count) {
  napi_env env = r->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value fn, argv[3], result, global;
  napi_get_reference_value(env, r->callback, &fn);
  napi_get_global(env, &global);
  napi_create_int32(env, count, &argv[0]);
  napi_get_undefined(env, &argv[1]);
  napi_get_undefined(env, &argv[2]);
  if (count > 0) {
    size_t total = 0;
    for (int i = 0; i < count; i++) total += r->msgs[i].msg_len;
    void *data = NULL;
    if (napi_create_buffer(env, total ? total : 1, &data, &argv[1]) != napi_ok ||
        napi_create_array(env, &argv[2]) != napi_ok) {
      /* The datagrams are lost: say so as a receive error rather than crash. */
      bool pending = false;
      napi_is_exception_pending(env, &pending);
      if (pending) {
        napi_value ignored;
        napi_get_and_clear_last_exception(env, &ignored);
      }
      napi_create_int32(env, -ENOMEM, &argv[0]);
      napi_get_undefined(env, &argv[1]);
      napi_get_undefined(env, &argv[2]);
      count = 0;
    }
    char *dst = (char *)data;
    uint32_t peers = 0;
    int last = -1; /* index in msgs of the last distinct peer */
    for (int i = 0; i < count; i++) {
      struct mmsghdr *m = &r->msgs[i];
      memcpy(dst, r->slab + (size_t)i * r->slot_bytes, m->msg_len);
      dst += m->msg_len;
      uint32_t *w = r->meta + (size_t)i * META_WORDS;
      w[0] = m->msg_len;
      w[1] = (m->msg_hdr.msg_flags & MSG_TRUNC) ? FLAG_TRUNCATED : 0;
      int found = -1;
      if (last >= 0 && same_peer(&r->addrs[i], &r->addrs[last])) {
        found = (int)r->meta[(size_t)last * META_WORDS + 2];
      } else {
        for (int j = 0; j < i && found < 0; j++)
          if (same_peer(&r->addrs[i], &r->addrs[j])) found = (int)r->meta[(size_t)j * META_WORDS + 2];
      }
      if (found < 0) {
        char text[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
        size_t n = peer_text(&r->addrs[i], text, sizeof text);
        napi_value s;
        napi_create_string_latin1(env, text, n, &s);
        napi_set_element(env, argv[2], peers, s);
        found = (int)peers++;
      }
      w[2] = (uint32_t)found;
      last = i;
    }
  }
  napi_status st = napi_make_callback(env, r->async, global, fn, 3, argv, &result);
  if (st == napi_pending_exception) {
    napi_value err;
    napi_get_and_clear_last_exception(env, &err);
    napi_fatal_exception(env, err);
  }
  napi_close_handle_scope(env, scope);
}

static void on_readable(uv_poll_t *handle, int status, int events);

static void on_pause_over(uv_timer_t *timer) {
  receiver *r = (receiver *)timer->data;
  if (!r->closing) uv_poll_start(&r->poll, UV_READABLE, on_readable);
}

static void on_readable(uv_poll_t *handle, int status, int events) {
  receiver *r = (receiver *)handle->data;
  (void)events;
  r->in_callback = 1;
  int got = 0, drained = 0;
  if (status < 0) {
    deliver(r, status); /* libuv errors are -errno on Linux */
  } else {
    for (int round = 0; round < MAX_ROUNDS && !r->closing; round++) {
      for (unsigned i = 0; i < r->slots; i++) {
        r->msgs[i].msg_hdr.msg_namelen = sizeof(struct sockaddr_storage);
        r->msgs[i].msg_hdr.msg_controllen = 0;
        r->msgs[i].msg_hdr.msg_flags = 0;
      }
      int n = recvmmsg(r->fd, r->msgs, r->slots, MSG_DONTWAIT, NULL);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) deliver(r, -errno);
        else drained = 1;
        break;
      }
      if (n == 0) break;
      got += n;
      deliver(r, n);
      if ((unsigned)n < r->slots) {
        drained = 1;
        break;
      }
    }
  }
  r->in_callback = 0;
  if (r->closing) {
    release(r);
  } else if (drained && got >= BUSY_DATAGRAMS) {
    uv_poll_stop(&r->poll);
    uv_timer_start(&r->pause, on_pause_over, PAUSE_MS, 0);
  }
}

/* start(fd, slots, slotBytes, meta: Uint32Array, callback) -> handle */
static napi_value js_start(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t fd = -1;
  uint32_t slots = 0, slot_bytes = 0;
  napi_valuetype fntype = napi_undefined;
  bool typed = false;
  if (argc < 5 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0 ||
      napi_get_value_uint32(env, argv[1], &slots) != napi_ok || slots == 0 || slots > 1024 ||
      napi_get_value_uint32(env, argv[2], &slot_bytes) != napi_ok || slot_bytes == 0 ||
      napi_is_typedarray(env, argv[3], &typed) != napi_ok || !typed ||
      napi_typeof(env, argv[4], &fntype) != napi_ok || fntype != napi_function) {
    napi_throw_type_error(env, NULL, "start(fd, slots, slotBytes, meta, callback)");
    return NULL;
  }
  napi_typedarray_type ttype;
  size_t length = 0;
  void *meta = NULL;
  CHECK(env, napi_get_typedarray_info(env, argv[3], &ttype, &length, &meta, NULL, NULL));
  if (ttype != napi_uint32_array || length < (size_t)slots * META_WORDS) {
    napi_throw_type_error(env, NULL, "start: meta must be a Uint32Array of 3 words per slot");
    return NULL;
  }
  uv_loop_t *loop = NULL;
  CHECK(env, napi_get_uv_event_loop(env, &loop));
  receiver *r = calloc(1, sizeof *r);
  if (!r) return throw_errno(env, "start", ENOMEM);
  r->env = env;
  r->fd = fd;
  r->slots = slots;
  r->slot_bytes = slot_bytes;
  r->meta = (uint32_t *)meta;
  r->slab = malloc((size_t)slots * slot_bytes);
  r->msgs = calloc(slots, sizeof *r->msgs);
  r->iov = calloc(slots, sizeof *r->iov);
  r->addrs = calloc(slots, sizeof *r->addrs);
  if (!r->slab || !r->msgs || !r->iov || !r->addrs) {
    free_receiver(r);
    return throw_errno(env, "start", ENOMEM);
  }
  for (unsigned i = 0; i < slots; i++) {
    r->iov[i].iov_base = r->slab + (size_t)i * slot_bytes;
    r->iov[i].iov_len = slot_bytes;
    r->msgs[i].msg_hdr.msg_iov = &r->iov[i];
    r->msgs[i].msg_hdr.msg_iovlen = 1;
    r->msgs[i].msg_hdr.msg_name = &r->addrs[i];
  }
  int rc = uv_poll_init(loop, &r->poll, fd);
  if (rc != 0) {
    free_receiver(r);
    napi_throw_error(env, NULL, uv_strerror(rc));
    return NULL;
  }
  r->poll.data = r;
  uv_timer_init(loop, &r->pause);
  r->pause.data = r;
  r->open_handles = 2;
  napi_value name, handle;
  napi_create_string_utf8(env, "maillogd.udp", NAPI_AUTO_LENGTH, &name);
  if (napi_async_init(env, NULL, name, &r->async) != napi_ok ||
      napi_create_reference(env, argv[4], 1, &r->callback) != napi_ok ||
      napi_create_reference(env, argv[3], 1, &r->meta_ref) != napi_ok) {
    r->fd = -1; /* the caller still owns it */
    r->external_gone = 1;
    release(r);
    napi_throw_error(env, NULL, "start: cannot keep the callback");
    return NULL;
  }
  rc = uv_poll_start(&r->poll, UV_READABLE, on_readable);
  if (rc != 0) {
    r->fd = -1;
    r->external_gone = 1;
    release(r);
    napi_throw_error(env, NULL, uv_strerror(rc));
    return NULL;
  }
  if (napi_create_external(env, r, on_external_gone, NULL, &handle) != napi_ok) {
    r->external_gone = 1;
    r->closing = 1;
    release(r);
    napi_throw_error(env, NULL, "start: cannot make the handle");
    return NULL;
  }
  return handle;
}

/* close(handle): stops reading and closes the fd; idempotent. */
static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  receiver *r = NULL;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || napi_get_value_external(env, argv[0], (void **)&r) != napi_ok || !r) {
    napi_throw_type_error(env, NULL, "close(handle)");
    return NULL;
  }
  if (r->closing) return NULL;
  r->closing = 1;
  if (!r->in_callback) release(r);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"bind", NULL, js_bind, NULL, NULL, NULL, napi_enumerable, NULL},
      {"localAddress", NULL, js_local_address, NULL, NULL, NULL, napi_enumerable, NULL},
      {"dropped", NULL, js_dropped, NULL, NULL, NULL, napi_enumerable, NULL},
      {"receiveBuffer", NULL, js_receive_buffer, NULL, NULL, NULL, napi_enumerable, NULL},
      {"start", NULL, js_start, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, js_close, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(udp_recv, init)
