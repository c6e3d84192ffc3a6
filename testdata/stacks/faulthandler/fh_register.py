# fh_register.py OUT N: N faulthandler.register() dumps of 3 threads (SIGUSR1)
import faulthandler, os, signal, sys, threading, time

def spin(stop):
    x = 0
    while not stop.is_set():
        x = (x * 31 + 7) % 1000003

def sleeper(stop):
    while not stop.is_set():
        time.sleep(0.01)

def main():
    out = open(sys.argv[1], "w")
    faulthandler.register(signal.SIGUSR1, file=out, all_threads=True)
    stop = threading.Event()
    ts = [threading.Thread(target=spin, args=(stop,)), threading.Thread(target=sleeper, args=(stop,))]
    for t in ts:
        t.start()
    for _ in range(int(sys.argv[2])):
        os.kill(os.getpid(), signal.SIGUSR1)
        time.sleep(0.02)
    stop.set()
    for t in ts:
        t.join()

main()
