/* udpblast: a UDP packet-rate load generator and counter for benchmarks.
 *   udpblast send DST_IP PORT PAYLOAD_BYTES SECONDS   sendmmsg bursts, as fast as it can
 *   udpblast recv PORT SECONDS                        counts datagrams, prints "pps N" */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BURST 64

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int do_send(const char *dst, int port, int size, double secs)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    if (fd < 0 || inet_pton(AF_INET, dst, &a.sin_addr) != 1 ||
        connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        perror("udpblast send");
        return 1;
    }
    static char buf[BURST][2048];
    struct mmsghdr m[BURST];
    struct iovec iov[BURST];
    for (int i = 0; i < BURST; i++) {
        iov[i].iov_base = buf[i];
        iov[i].iov_len = (size_t)size;
        memset(&m[i], 0, sizeof m[i]);
        m[i].msg_hdr.msg_iov = &iov[i];
        m[i].msg_hdr.msg_iovlen = 1;
    }
    unsigned long sent = 0;
    double end = now() + secs;
    while (now() < end) {
        int n = sendmmsg(fd, m, BURST, 0);
        if (n > 0)
            sent += (unsigned long)n;
        else if (errno != ENOBUFS && errno != EAGAIN && errno != ECONNREFUSED)
            break;
    }
    printf("sent %lu\n", sent);
    return 0;
}

static int do_recv(int port, double secs)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int bufsz = 16 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof bufsz);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        perror("udpblast recv");
        return 1;
    }
    static char buf[BURST][2048];
    struct mmsghdr m[BURST];
    struct iovec iov[BURST];
    for (int i = 0; i < BURST; i++) {
        iov[i].iov_base = buf[i];
        iov[i].iov_len = sizeof buf[i];
        memset(&m[i], 0, sizeof m[i]);
        m[i].msg_hdr.msg_iov = &iov[i];
        m[i].msg_hdr.msg_iovlen = 1;
    }
    unsigned long got = 0;
    double first = 0, last = 0, end = now() + secs;
    struct pollfd p = { .fd = fd, .events = POLLIN };
    while (now() < end) {
        if (poll(&p, 1, 100) <= 0)
            continue;
        int n = recvmmsg(fd, m, BURST, MSG_DONTWAIT, NULL);
        if (n <= 0)
            continue;
        if (!got)
            first = now();
        got += (unsigned long)n;
        last = now();
    }
    double span = last - first;
    printf("received %lu pps %.0f\n", got, span > 0 ? (double)got / span : 0.0);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 6 && strcmp(argv[1], "send") == 0)
        return do_send(argv[2], atoi(argv[3]), atoi(argv[4]), atof(argv[5]));
    if (argc == 4 && strcmp(argv[1], "recv") == 0)
        return do_recv(atoi(argv[2]), atof(argv[3]));
    fprintf(stderr, "usage: udpblast send DST PORT PAYLOAD SECONDS | udpblast recv PORT SECONDS\n");
    return 2;
}
