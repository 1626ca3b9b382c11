import sqlite3


def connect(path):
    return sqlite3.connect(path)


def find_order(conn, order_id):
    cursor = conn.cursor()
    cursor.execute("SELECT id, total FROM orders WHERE id = ?", (order_id,))
    return cursor.fetchone()
