"""PyTorch's quickstart "Automatic differentiation with torch.autograd": a one-layer network,
binary cross-entropy with logits, the gradients of w and b, and a detached copy of z."""
import torch

x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.tensor([[0.3, -0.2, 0.1],
                  [0.5, 0.4, -0.6],
                  [-0.1, 0.2, 0.7],
                  [0.8, -0.3, 0.0],
                  [-0.4, 0.6, 0.2]], requires_grad=True)
b = torch.tensor([0.1, -0.1, 0.2], requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)

print(f"Gradient function for z = {z.grad_fn}")
print(f"Gradient function for loss = {loss.grad_fn}")

loss.backward()
print(w.grad)
print(b.grad)

z_det = z.detach()
print(z_det.requires_grad)
