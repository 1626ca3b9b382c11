import sqlite3


def connect(path):
    return sqlite3.connect(path)


def find_order(conn, order_id):
    cursor = conn.cursor()
    cursor.execute("SELECT id, total FROM orders WHERE id = ?", (order_id,))
    return cursor.fetchone()


def find_user(conn, username):
    cursor = conn.cursor()
    cursor.execute(f"SELECT id, email FROM users WHERE name = '{username}'")
    return cursor.fetchone()


def count_orders(conn, customer_id):
    cursor = conn.cursor()
    cursor.execute("SELECT COUNT(*) FROM orders WHERE customer = ?", (customer_id,))
    return cursor.fetchone()[0]
