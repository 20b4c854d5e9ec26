/* The load tool of `cordon bench dataplane`, compiled at run time with the system's cc. Python's one connect at a
 * time topped out near 14k connects/s, so it, not the firewall, set the measured rate.
 *
 *   connrate server PORT WORKERS                        accept and close, WORKERS processes (SO_REUSEPORT)
 *   connrate client HOST PORT SECONDS INFLIGHT WORKERS [RATE]
 *                                                       print "<completed connects per second> <failed connects>
 *                                                       <client user us per connect> <client system us per connect>"
 *
 * RATE (connects per second over all workers, 0 or absent: as fast as possible) paces the client: a worker that is
 * ahead of its share sleeps before it handles the next completions (the capture bench offers fixed rates to find
 * where event loss starts).
 *
 * Each client worker keeps INFLIGHT non-blocking connects open with epoll and counts a connect when the handshake
 * completes. It then resets the connection (connect to AF_UNSPEC sends an RST) and connects the same socket again,
 * so there is no socket() and close() per connection, no TIME_WAIT piles up and the port is free again at once:
 * the client never runs out of ports and conntrack reuses the entries of the same 4-tuples. A socket whose connect
 * failed is closed and replaced. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <sched.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Worker w runs on CPU w (modulo the CPUs this process may use), client and server alike: a connection's packets
 * then stay on one core's caches and per-CPU lists (on veth the receiving side's work runs in the sender's context).
 * Measured against unpinned workers in alternated rounds (no firewall, load average 40-46): the kernel's CPU per
 * connect 46 against 50 us in the client, 20 against 25 us in the server. CONNRATE_PIN=0 turns it off. */
static void pin(int w) {
    const char *p = getenv("CONNRATE_PIN");
    if (p && !strcmp(p, "0")) return;
    cpu_set_t allowed, one;
    if (sched_getaffinity(0, sizeof allowed, &allowed)) return;
    int n = CPU_COUNT(&allowed), k = w % (n > 0 ? n : 1);
    for (int c = 0; c < CPU_SETSIZE; c++) {
        if (!CPU_ISSET(c, &allowed)) continue;
        if (k-- == 0) {
            CPU_ZERO(&one);
            CPU_SET(c, &one);
            sched_setaffinity(0, sizeof one, &one);
            return;
        }
    }
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int listener(int port) {
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 65535)) {
        perror("connrate: bind/listen");
        exit(1);
    }
    return s;
}

/* Server worker w's listener takes the connections whose SYN the kernel handles on CPU w (SO_INCOMING_CPU steers the
 * SO_REUSEPORT choice, kernel 6.1 and later; before, it is a hint). On veth the SYN is handled in the sending
 * client worker's context, so with pinning the accept, the close and the wakeup stay on that CPU; without it, one
 * connection in two woke the other CPU's server worker (a cross-CPU wakeup, an IPI, costly in a VM). Measured
 * against the hash's choice, no firewall, alternated rounds on a loaded machine: 23.6k against 20.2k connects/s,
 * CPU per connect the same (docs/benchmarks.md, sixth session). */
static void steer(int l, int w) {
    const char *p = getenv("CONNRATE_PIN");
    if (p && !strcmp(p, "0")) return;
    int n = 0;
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) == 0) n = CPU_COUNT(&allowed);
    for (int c = 0, k = w % (n > 0 ? n : 1); c < CPU_SETSIZE; c++) {
        if (!CPU_ISSET(c, &allowed)) continue;
        if (k-- == 0) {
            setsockopt(l, SOL_SOCKET, SO_INCOMING_CPU, &c, sizeof c);
            return;
        }
    }
}

/* One server worker: waits for its listener with epoll and drains the whole accept queue at each wakeup, so a busy
 * server pays one wakeup for many connects instead of one per connect (a blocking accept() per connection). */
static void accept_loop(int l) {
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = l};
    epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
    for (;;) {
        if (epoll_wait(ep, &ev, 1, -1) < 1) continue;
        for (;;) {
            int c = accept4(l, NULL, NULL, 0);
            if (c < 0) break;
            close(c);
        }
    }
}

static void serve(int port, int workers) {
    int fds[64];
    if (workers < 1 || workers > 64) workers = 1;
    for (int i = 0; i < workers; i++) {
        fds[i] = listener(port);
        fcntl(fds[i], F_SETFL, O_NONBLOCK);
        steer(fds[i], i);
    }
    printf("ready\n");
    fflush(stdout);
    for (int i = 1; i < workers; i++) {
        if (fork() == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL); /* dies with the first worker, which the bench kills */
            pin(i);
            accept_loop(fds[i]);
        }
    }
    pin(0);
    accept_loop(fds[0]);
}

static void open_one(int ep, const struct sockaddr_in *dst) {
    int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (s < 0) return;
    struct linger l = {1, 0};
    setsockopt(s, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    if (connect(s, (const struct sockaddr *)dst, sizeof *dst) && errno != EINPROGRESS) {
        close(s);
        return;
    }
    struct epoll_event ev = {.events = EPOLLOUT, .data.fd = s};
    epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
}

/* Resets the connection (connect to AF_UNSPEC sends the RST) and connects the same socket again. */
static int again(int s, const struct sockaddr_in *dst) {
    struct sockaddr un = {.sa_family = AF_UNSPEC};
    connect(s, &un, sizeof un);
    if (connect(s, (const struct sockaddr *)dst, sizeof *dst) && errno != EINPROGRESS) return -1;
    return 0;
}

/* One worker: returns completed connects, adds failures to *failed. */
static long work(const struct sockaddr_in *dst, double end, int inflight, double rate, long *failed) {
    int ep = epoll_create1(0);
    for (int i = 0; i < inflight; i++) open_one(ep, dst);
    long ok = 0;
    double start = now();
    struct epoll_event evs[512];
    while (now() < end) {
        if (rate > 0) {
            double ahead = (ok + *failed) / rate - (now() - start);
            if (ahead > 0) usleep((useconds_t)(ahead > 0.05 ? 50000 : ahead * 1e6));
            if ((ok + *failed) / rate > now() - start) continue;
        }
        int n = epoll_wait(ep, evs, rate > 0 ? 16 : 512, 50);
        for (int i = 0; i < n; i++) {
            int s = evs[i].data.fd, err = 0;
            socklen_t len = sizeof err;
            getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
            if (err == 0) ok++; else (*failed)++;
            if (err != 0 || again(s, dst)) {
                close(s);
                open_one(ep, dst);
            }
        }
    }
    return ok;
}

static int client(const char *host, int port, double secs, int inflight, int workers, double rate) {
    struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (inet_pton(AF_INET, host, &dst.sin_addr) != 1) {
        fprintf(stderr, "connrate: bad IPv4 address %s\n", host);
        return 2;
    }
    if (workers < 1 || workers > 64) workers = 1;
    int pipes[64][2];
    double start = now(), end = start + secs;
    for (int w = 0; w < workers; w++) {
        if (pipe(pipes[w])) { perror("connrate: pipe"); return 1; }
        if (fork() == 0) {
            pin(w);
            long failed = 0, ok = work(&dst, end, inflight, rate / workers, &failed);
            long out[2] = {ok, failed};
            if (write(pipes[w][1], out, sizeof out) != sizeof out) _exit(1);
            _exit(0);
        }
    }
    long ok = 0, failed = 0;
    for (int w = 0; w < workers; w++) {
        long in[2] = {0, 0};
        if (read(pipes[w][0], in, sizeof in) == sizeof in) { ok += in[0]; failed += in[1]; }
        wait(NULL);
    }
    /* The workers' own CPU per completed connect, user and system (the system time includes the packet processing
     * the kernel runs in their context: on veth most of the server's side too): the user part is the client's own
     * cost, which must stay a small share for the firewall, not the client, to set the rate. */
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    double n = ok > 0 ? (double)ok : 1;
    printf("%.0f %ld %.2f %.2f\n", ok / (now() - start), failed,
           (ru.ru_utime.tv_sec * 1e6 + ru.ru_utime.tv_usec) / n, (ru.ru_stime.tv_sec * 1e6 + ru.ru_stime.tv_usec) / n);
    return 0;
}

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN);
    if (argc == 4 && !strcmp(argv[1], "server")) {
        serve(atoi(argv[2]), atoi(argv[3]));
        return 0;
    }
    if ((argc == 7 || argc == 8) && !strcmp(argv[1], "client")) {
        return client(argv[2], atoi(argv[3]), atof(argv[4]), atoi(argv[5]), atoi(argv[6]), argc == 8 ? atof(argv[7]) : 0);
    }
    fprintf(stderr, "usage: connrate server PORT WORKERS | connrate client HOST PORT SECONDS INFLIGHT WORKERS [RATE]\n");
    return 2;
}
