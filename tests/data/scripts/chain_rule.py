"""The chain rule through tanh, exp and a sum over a matrix."""
import torch

a = torch.tensor([[0.2, -0.4], [0.6, 0.1]], requires_grad=True)
b = torch.tensor([[1.0], [-2.0]], requires_grad=True)
h = torch.tanh(a @ b)
e = torch.exp(h)
total = e.sum()
total.backward()
print(a.grad, b.grad)
